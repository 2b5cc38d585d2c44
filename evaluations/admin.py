from django.contrib import admin

from evaluations.models import ProgrammeYear

admin.site.register(ProgrammeYear)
