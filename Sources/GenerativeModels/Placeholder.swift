enum _PlaceholderGenerativeModels {}
