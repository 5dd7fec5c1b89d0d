"""The sha256 of the stage model shipped with the package (``bma_nlp/data/models/stage.skops``).

Only a model file with this hash loads without ``trust``: a hash kept beside the file it
guards proves nothing. ``bma-nlp train`` rewrites this line when it rebuilds the shipped model.
"""

MODEL_SHA256 = "1fc5708d256318974b1abafaa11c724a179256730da9d91a500071e1dec06588"
