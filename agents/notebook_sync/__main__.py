"""``python -m notebook_sync --config FILE``."""

from notebook_sync.cli import main

if __name__ == "__main__":
    main()
