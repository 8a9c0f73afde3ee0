"""The policy expression language: lexer, parser, compiler to closures, built-in functions."""
