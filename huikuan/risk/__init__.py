"""Late-payment prediction: features known at scoring time, models trained on the company's own
history, scores with their reasons, and a backtest against a baseline."""
