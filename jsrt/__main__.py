"""`python -m jsrt`: the `jsrt` command, for where the script is not on PATH."""

from jsrt.console import main

if __name__ == "__main__":
    main()
