"""Helpers shared by the chart tests and the GitOps tests."""
