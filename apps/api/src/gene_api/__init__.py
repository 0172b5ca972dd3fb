"""Chromosome 21 gene catalogue over HTTP."""
