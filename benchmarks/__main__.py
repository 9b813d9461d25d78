"""Run every benchmark: ``python -m benchmarks``."""

from benchmarks import lambdas, packaging, sample_data

BENCHMARKS = [packaging.main, lambdas.main, sample_data.main]


def main() -> None:
    for benchmark in BENCHMARKS:
        benchmark()


if __name__ == "__main__":
    main()
