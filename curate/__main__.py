"""`python -m curate`: the same command line as the `curate` script."""

from curate.cli import main

if __name__ == "__main__":
    main(prog_name="curate")
