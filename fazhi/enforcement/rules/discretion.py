"""Discretion rules (rulebook §10): the no-penalty order of §10.3 and the tier checks of §10.2.

Pure functions over plain facts; the case services call them, nothing here touches the database.
"""
