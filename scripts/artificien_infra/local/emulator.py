"""The local AWS emulator: moto's server mode on loopback, with the project's patches applied.

Run as ``python -m artificien_infra.local.emulator --port 4566``; the wrapper's ``local up``
starts it in the background (pid and log under the build directory).
"""

import argparse
import logging

from artificien_infra.local import patches as emulator_patches

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=4566)
    args = parser.parse_args(argv)
    if args.host not in LOOPBACK:
        parser.error("the emulator only binds a loopback address")

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    applied = emulator_patches.apply_all()
    log = logging.getLogger("artificien.emulator")
    log.info("patches applied: %s", ", ".join(applied) or "none")

    from moto.server import main as moto_main  # imported late: patches must land first

    moto_main(["--host", args.host, "--port", str(args.port)])


if __name__ == "__main__":
    main()
