"""The sha256 of the stage model shipped with the package (``bma_nlp/data/models/stage.skops``).

Only a model file with this hash loads without ``trust``: a hash kept beside the file it
guards proves nothing. ``bma-nlp train`` rewrites this line when it rebuilds the shipped model.
"""

MODEL_SHA256 = "7f33c9c9b28f70fbe37d56c2ed4546fc9243a31045a0e4b976f80287c306df45"
