# The import tests reuse the import framework's fixtures (files, command runner, catalogue).
from tests.imports.conftest import catalogue, enterprises, run_import  # noqa: F401
