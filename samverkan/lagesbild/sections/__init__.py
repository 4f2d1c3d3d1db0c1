"""The sections of a lägesbild, one module each; ``lagesbild.assemble`` puts them together."""
