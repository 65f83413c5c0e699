"""Renderers of a portcheck report: terminal, JSON, HTML, Markdown, SARIF."""
