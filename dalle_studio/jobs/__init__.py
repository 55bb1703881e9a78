"""The jobs layer (asyncio on the Qt loop through qasync): runs requests, tracks state, files results."""
