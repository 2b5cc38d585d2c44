from django.contrib import admin

from funding.models import BudgetLine

admin.site.register(BudgetLine)
