"""Run every benchmark: ``python -m benchmarks``."""

from benchmarks import packaging, sample_data

BENCHMARKS = [packaging.main, sample_data.main]


def main() -> None:
    for benchmark in BENCHMARKS:
        benchmark()


if __name__ == "__main__":
    main()
