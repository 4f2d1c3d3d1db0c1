"""Indicators: the statistics behind the lägesbild (sources, indicators, observations)."""
