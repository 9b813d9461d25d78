"""Run every benchmark: ``python -m benchmarks``."""

from benchmarks import sample_data

BENCHMARKS = [sample_data.main]


def main() -> None:
    for benchmark in BENCHMARKS:
        benchmark()


if __name__ == "__main__":
    main()
