from django.contrib import admin

from programme.models import ProgrammeYear, Regime

admin.site.register(ProgrammeYear)
admin.site.register(Regime)
