"""tekflow.components"""
