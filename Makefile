# madoguchi -- build, run and test.
#
#   make run     install what is missing, build, create the demo ward, serve it
#   make test    install what is missing, run the whole suite (tests/run.sh)
#   make         build ./build/madoguchi and the unit test binaries
#   make SAN=1   the same with ASan+UBSan into ./build-san/
#   make fuzz    libFuzzer targets (clang) into ./build-fuzz/
#
# Sources are found by wildcard: a new module is a new folder under src/,
# a new unit test is tests/unit/<module>/test_<name>.c.  Nothing to register.

CC      ?= cc
ifeq ($(origin CC),default)
CC      := cc
endif

SAN     ?= 0
ifeq ($(SAN),1)
BUILD   := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT     := -O1 -g
else
BUILD   := build
SANFLAGS :=
OPT     := -O2 -g
endif

PKGS    := libh2o-evloop openssl jansson sqlite3 libpq libsodium liboath \
           libqrencode libcurl libutf8proc zlib pangocairo libjpeg libpng libexif proj
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  += -std=gnu17 $(OPT) -Wall -Wextra -Werror -Wshadow -Wvla \
           -Wformat=2 -Wno-format-nonliteral -D_GNU_SOURCE \
           -DH2O_USE_LIBUV=0 -Isrc $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) -lglpk -lzint -lpthread -lm
LDFLAGS += $(SANFLAGS)

# foundations and the shell (src/<m>/), shared domain modules
# (src/core/<m>/), services (src/svc/<name>/ and their web/ pages)
LIB_SRC   := $(filter-out src/cli/main.c,$(wildcard src/*/*.c src/core/*/*.c \
             src/svc/*/*.c src/svc/*/web/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/services.o
CLI_OBJ   := $(BUILD)/src/cli/main.o
TEST_SRC  := $(wildcard tests/unit/*/test_*.c)
TEST_BIN  := $(TEST_SRC:%.c=$(BUILD)/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)

.PHONY: all run test deps bench fuzz clean check-src assets
all: $(BUILD)/madoguchi $(TEST_BIN) $(BENCH_BIN) assets

# Static assets served under /assets/: ours, and the design tokens from npm.
TOKENS_CSS := node_modules/@digital-go-jp/design-tokens/dist/tokens.css
assets: $(wildcard assets/*)
	@mkdir -p $(BUILD)/assets
	@cp -r assets/. $(BUILD)/assets/
	@if [ -f $(TOKENS_CSS) ]; then cp $(TOKENS_CSS) $(BUILD)/assets/tokens.css; \
	 else echo "warning: $(TOKENS_CSS) missing (run scripts/deps.sh)" >&2; fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The list of services, generated from the folders (src/web/svc.h).  The
# script runs every time and rewrites the file only when the list changed.
.PHONY: FORCE
$(BUILD)/gen/services.c: FORCE
	@scripts/gen-services.sh $@
$(BUILD)/gen/services.o: $(BUILD)/gen/services.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libmadoguchi.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/madoguchi: $(CLI_OBJ) $(BUILD)/libmadoguchi.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libmadoguchi.a tests/unit/t.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libmadoguchi.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libmadoguchi.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libmadoguchi.a $(LDFLAGS) $(LDLIBS)

# The two commands of the README.
run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@scripts/run-demo.sh

test:
	@scripts/deps.sh --test
	@tests/run.sh

deps:
	@scripts/deps.sh --test

bench: all
	@bench/run-all.sh

FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_OBJ := $(LIB_SRC:%.c=build-fuzz/obj/%.o) build-fuzz/obj/gen/services.o
FUZZ_CFLAGS := -std=gnu17 -O1 -g -D_GNU_SOURCE -DH2O_USE_LIBUV=0 -Isrc $(PKG_CFLAGS)
fuzz: $(FUZZ_BIN)
# the library once, instrumented for coverage; each target links it
build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build-fuzz/gen/services.c: FORCE
	@scripts/gen-services.sh $@
build-fuzz/obj/gen/services.o: build-fuzz/gen/services.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build-fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS) -lglpk -lzint -lpthread -lm

check-src:
	@scripts/checksrc.sh

clean:
	rm -rf build build-san build-fuzz

# --- open data map (page_opendata.c): Leaflet from npm, served by madoguchi ---
LEAFLET_DIST := node_modules/leaflet/dist
.PHONY: leaflet-assets
assets: leaflet-assets
leaflet-assets:
	@mkdir -p $(BUILD)/assets/leaflet/images
	@if [ -f $(LEAFLET_DIST)/leaflet.js ]; then \
	  cp $(LEAFLET_DIST)/leaflet.js $(LEAFLET_DIST)/leaflet.css $(BUILD)/assets/leaflet/ && \
	  cp $(LEAFLET_DIST)/images/*.png $(BUILD)/assets/leaflet/images/; \
	 else echo "warning: $(LEAFLET_DIST) missing (npm ci): dataset maps fall back to the table" >&2; fi

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
