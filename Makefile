# offregion: `make demo` scans the shipped CloudTrail samples, `make test`
# runs every test. Both install missing Debian packages first (as root).

BUILD ?= build
ASAN_BUILD ?= $(BUILD)/asan
JOBS ?= $(shell nproc)
PACKAGES := cmake g++ make pkg-config ccache clang-format python3 \
	libabsl-dev libprotobuf-dev protobuf-compiler libsimdjson-dev zlib1g-dev \
	libmaxminddb-dev libloc-dev libloc-database libgtest-dev libbenchmark-dev
CMAKE_FLAGS := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOFFREGION_WERROR=ON
DEMO_LOGS := examples/logs/otrf/ec2_proxy_s3_exfiltration_2020-09-14011940.json \
	examples/logs/stratus-red-team/aws.credential-access.ec2-steal-instance-credentials.json
FORMATTED := $(shell find include src tests bench examples bindings \
	\( -name '*.h' -o -name '*.cc' -o -name '*.c' \) 2>/dev/null)

.PHONY: deps build demo test unit-tests sanitize format-check bench format

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	$(BUILD)/bin/offregion scan --activation-days 0 $(DEMO_LOGS)

unit-tests: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DOFFREGION_WERROR=ON \
	  -DOFFREGION_SANITIZE=ON -DOFFREGION_BUILD_BENCHMARKS=OFF
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j$(JOBS)

format-check: deps
	clang-format --dry-run --Werror $(FORMATTED)

format:
	clang-format -i $(FORMATTED)

test: format-check unit-tests sanitize

bench: build
	$(BUILD)/bin/geo_benchmark
	$(BUILD)/bin/state_benchmark
	$(BUILD)/bin/pipeline_benchmark --benchmark_repetitions=5 \
	  --benchmark_enable_random_interleaving=true \
	  --benchmark_report_aggregates_only=true
	python3 bench/python_vs_cli.py
