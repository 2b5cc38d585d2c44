// django-celery-beat's periodic task form: shows the chosen crontab in words under the field (its inline script,
// moved here because the content policy allows no inline script).
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  var schedules = document.getElementById("readable-crontabs");
  var help = document.getElementById("crontab-help");
  if (!$ || !schedules || !help) {
    return;
  }
  var readable = JSON.parse(schedules.textContent);
  var original = JSON.parse(help.textContent);
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    var words = readable[$("#id_crontab").val()];
    var box = $(".field-crontab .help");
    box.text(original);
    if (words) {
      box.append(document.createElement("br"), document.createTextNode(words));
    }
  });
})();
