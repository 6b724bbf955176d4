"""The package name Keras registers aekit's layers and models under: saved ``.keras`` files name their classes as
``aekit>ClassName``, so it must never change."""

PACKAGE = "aekit"
