"""The lägesbild's words: ``sentences`` writes what samverkan.analysis found (codes and numbers)
as Swedish sentences through gettext; ``plain`` writes a whole lägesbild as text."""
