# svcd build.  `make` builds build/svcd and build/svcctl; `make test` builds
# an AddressSanitizer + UndefinedBehaviorSanitizer tree in build/asan and runs
# every test; `make run` starts svcd on examples/; `make bench` measures.

CC       ?= cc
PKGS     := libevent libevent_openssl libevent_pthreads jansson yaml-0.1 \
            libnftnl libmnl libcares openssl
# CFLAGS and LDFLAGS are the user's (optimisation, sanitizers); the flags
# svcd needs are kept apart so that overriding CFLAGS never drops them.
CFLAGS   ?= -O2 -g
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
SVCD_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow \
            -Wno-unused-parameter -D_GNU_SOURCE -I. \
            -DSVCD_VERSION='"$(VERSION)"' \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread

BUILD    ?= build
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif
# Layers, bottom up: lib/ model/ config/ sources/ ctl/ daemon/.
# Unit tests link everything below daemon/; svcd adds daemon/ on top.
CORE_SRC := $(wildcard lib/*.c model/*.c config/*.c sources/*.c \
              netlink/*.c proxy/*.c dns/*.c) \
            $(filter-out ctl/svcctl%,$(wildcard ctl/*.c))
DAEMON_SRC := $(wildcard daemon/*.c)
CTL_SRC  := $(wildcard ctl/svcctl*.c) $(wildcard lib/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CTL_OBJ  := $(CTL_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test-deps run test unit integration fuzz fuzz-build bench \
        clean check-deps
all: $(BUILD)/svcd $(BUILD)/svcctl

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(SVCD_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/svcd: $(DAEMON_SRC:%.c=$(BUILD)/obj/%.o) $(CORE_OBJ)
	@echo "  LINK    $@"
	@$(CC) $(SVCD_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/svcctl: $(CTL_OBJ)
	@echo "  LINK    $@"
	@$(CC) $(SVCD_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(CORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(SVCD_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

deps:
	@sh mk/deps.sh build
test-deps:
	@sh mk/deps.sh test

run: deps
	@$(MAKE) --no-print-directory all
	@sh mk/run.sh

# The sanitizer build lives in its own tree so it never mixes with the
# optimised one.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
              -fno-omit-frame-pointer

test: test-deps
	@$(MAKE) --no-print-directory BUILD=build/asan \
	    CFLAGS="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
	    all unit-bins
	@BUILD=build/asan sh tests/run.sh
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-60}

unit-bins: $(UNIT_BIN)

# libFuzzer targets (clang).  `make fuzz FUZZ_SECONDS=600` runs longer.
FUZZ_SECONDS ?= 60
# Fuzz targets link the pure layers (no sockets, no kernel).
FUZZ_SRC := $(wildcard lib/*.c model/*.c dns/wire*.c)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
build/fuzz/%: tests/fuzz/%.c $(FUZZ_SRC) $(wildcard lib/*.h model/*.h dns/*.h proxy/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -std=gnu11 -D_GNU_SOURCE -I. -g -O1 -Wall -Wextra -Werror \
	    -Wno-unused-parameter -fsanitize=fuzzer,address,undefined \
	    $(shell pkg-config --cflags jansson yaml-0.1) \
	    -o $@ $< $(FUZZ_SRC) $(shell pkg-config --libs jansson yaml-0.1) -lpthread
fuzz-build: $(FUZZ_TARGETS)
fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: test-deps
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh

clean:
	rm -rf build
