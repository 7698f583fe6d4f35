# SPDX-License-Identifier: ISC
# Entry points. Every target installs what it needs first (scripts/deps.sh).
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
MESON_TEST_ARGS ?=

.PHONY: all deps build build-asan check check-unit demo fuzz bench clean

all: build

deps:
	@./scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) >/dev/null

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false >/dev/null

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

# Unit tests and corpus replays in both configurations; the namespace suites
# (integration, interop) once, against the ASan+UBSan programs, which catch
# more. Then one closing line "N passed, N failed".
check: build build-asan
	@./scripts/check.sh $(BUILD)=unit,fuzz $(ASAN_BUILD) -- $(MESON_TEST_ARGS)

# Unit tests and corpus replays only (no root needed).
check-unit: build
	meson test -C $(BUILD) --suite unit --suite fuzz

demo: build
	@./scripts/demo.sh $(BUILD)

# Runs every libFuzzer target for FUZZ_SECONDS each (clang, ASan+UBSan).
fuzz: deps
	@./scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	@./bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
