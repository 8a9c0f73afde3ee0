"""Writing what a run produced: atomic output files that never replace an input or one of
the tool's own files (files.py), and the choice between a file and standard output
(writing.py). Formats render text (reporters/); this stage puts it somewhere."""
