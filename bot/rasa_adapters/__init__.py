"""Rasa adapters: the pipeline components that put the domain's language detection and
entity finding into Rasa's NLU, and evaluation of a trained model. The only package
in bot/ besides the channels that may import Rasa."""
