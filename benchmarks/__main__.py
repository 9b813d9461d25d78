"""Run every benchmark: ``python -m benchmarks``."""

from benchmarks import lambdas, notebook_sync, packaging, sample_data

# notebook_sync measures the applied local platform and says so when there is none
BENCHMARKS = [packaging.main, lambdas.main, sample_data.main, notebook_sync.main]


def main() -> None:
    for benchmark in BENCHMARKS:
        benchmark()


if __name__ == "__main__":
    main()
