"""The policy expression language, in the order text flows through it:

- lexer.py     source text → tokens (TokenKind), with their offsets
- parser.py    tokens → the syntax tree of ast.py (a Pratt parser; binding powers in `Power`)
- template.py  message templates: literal text with `{expression}` parts
- shapes.py    what the input schema says a value is, so mistakes are caught at load time
- compiler.py  syntax tree → Python closures `fn(env)`, one `match` arm per node type
- builtins.py  the built-in functions, each a `Builtin` record (arity, result, doc);
               reference.py renders the docs' reference from them
- speedups.py  faster equivalents for common forms: fused/bulk membership, the memo key
- runtime.py   per-document state: library values computed once, memoised functions
- budget.py    the per-document evaluation budget (steps, time, sizes)
- values.py    rendering, ordering, keys and error-message excerpts of runtime values
- dates.py     calendar helpers behind the date built-ins
- names.py     the reserved names the engine binds (document, asOf, params)
- tracking.py  date-tracking values, for forecasts over a horizon of evaluation dates

Errors are the LocatedError family of wxcc_policy.errors. Imports only errors and itself.
"""
