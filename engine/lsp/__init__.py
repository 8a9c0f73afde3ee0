"""`wxcc-policy lsp`: the language server (docs/editors.md). Protocol glue over the stage
functions: diagnostics as `check` and `plan` locate them, hover, and code actions."""
