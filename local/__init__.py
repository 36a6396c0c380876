"""tekflow.local"""
