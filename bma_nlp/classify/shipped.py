"""The sha256 of the stage model shipped with the package (``bma_nlp/data/models/stage.skops``).

Only a model file with this hash loads without ``trust``: a hash kept beside the file it
guards proves nothing. ``bma-nlp train`` rewrites this line when it rebuilds the shipped model.
"""

MODEL_SHA256 = "49065aa8a8ff7f481af0e4d9c2b6f4a3e82e7a93aa27e7c7ea150201fcdca6f7"
