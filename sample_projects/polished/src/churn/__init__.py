"""Churn prediction: data loading, features, training and evaluation."""

__version__ = "1.0.0"
