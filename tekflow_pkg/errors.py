"""User-facing errors: each one is a single readable message naming the thing and the fix."""


class TekflowError(Exception):
    """A mistake in the user's input. The CLI prints the message and exits with code 2."""

    exit_code = 2


class NotSupportedError(TekflowError):
    """A KFP feature the compiler cannot lower yet."""
