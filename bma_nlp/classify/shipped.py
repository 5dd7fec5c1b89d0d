"""The sha256 of the stage model shipped with the package (``bma_nlp/data/models/stage.skops``).

Only a model file with this hash loads without ``trust``: a hash kept beside the file it
guards proves nothing. ``bma-nlp train`` rewrites this line when it rebuilds the shipped model.
"""

MODEL_SHA256 = "8cdb64bee6b535469b74c1574f5df5dbc558c838881968b2ba66e4f9430d3f07"
