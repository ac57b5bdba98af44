"""The recipes of docs/ARCHITECTURE.md, followed with files that live only in the test suite."""
