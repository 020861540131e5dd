"""`python -m curate.cli`: the same command line as the `curate` script."""

from curate.cli import main

if __name__ == "__main__":
    main(prog_name="curate")
