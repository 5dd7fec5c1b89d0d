"""The sha256 of the stage model shipped with the package (``bma_nlp/data/models/stage.skops``).

Only a model file with this hash loads without ``trust``: a hash kept beside the file it
guards proves nothing. ``bma-nlp train`` rewrites this line when it rebuilds the shipped model.
"""

MODEL_SHA256 = "d0a2d4684589cb7a88e20748742c60dd2e3a7b7c8fcc34aaa5104db920d0ae3b"
