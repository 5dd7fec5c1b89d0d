"""The sha256 of the stage model shipped with the package (``models/stage.skops``).

Only a model file with this hash loads without ``trust``: a hash kept beside the file it
guards proves nothing. ``bma-nlp train`` rewrites this line when it rebuilds the shipped model.
"""

MODEL_SHA256 = "569bab2cbca6103ed46bf4ab56df06a029ad6919bf2b715b481ee7d0abb153c5"
