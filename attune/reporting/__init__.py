"""Reports: the team dashboard, the commissioner report, theory of change, exports."""
