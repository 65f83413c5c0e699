# Données d'entraînement
NAME = "café"
PATH = "/home/rené/data.csv"
