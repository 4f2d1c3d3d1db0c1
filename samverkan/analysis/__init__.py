"""Pure analysis functions: plain values, NumPy arrays and DataFrames in, results out.

Nothing here imports Django, reads settings or touches the database, so every function can
be tested, benchmarked and reused on its own. Results are numbers and codes
(``messages.Message``, note codes, flags), never sentences: ``lagesbild.text`` writes those.
"""
