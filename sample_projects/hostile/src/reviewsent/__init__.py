"""Review sentiment: a TF-IDF baseline and classifier for product reviews."""
