enum _PlaceholderNN {}
