#!/bin/sh
# SPDX-License-Identifier: ISC
echo "demo: the demo arrives with the gateway and client (issues 3 and 4)."
