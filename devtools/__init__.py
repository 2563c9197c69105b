"""Developer tools that play the outside world (WeChat) for local runs and tests."""
