from setuptools import setup

setup(
    name="malformed",
    install_requires=["numpy", "pandas"
    version="0.1",
)
