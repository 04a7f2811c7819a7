/* The workflow panel's confirmation as a dialog (progressive enhancement; the Content-Security-Policy allows no
 * inline script). Without this script the server answers the panel's form with a confirmation page; with it,
 * a <dialog> asks the same question and the form is sent with confirm=1. */
(function () {
  "use strict";
  if (window.sakipWorkflowConfirm) { return; }  // one listener, however many panels include the script
  window.sakipWorkflowConfirm = true;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) { return; }
    if (form.querySelector("input[name=confirm]")) { return; }  // confirmed: let it go
    if (typeof HTMLDialogElement !== "function") { return; }  // no <dialog>: the server's page asks
    event.preventDefault();
    var dialog = document.createElement("dialog");
    dialog.className = "card workflow-confirm";
    dialog.setAttribute("data-testid", "workflow-confirm-dialog");
    var text = document.createElement("p");
    text.textContent = form.getAttribute("data-confirm");
    var detail = document.createElement("p");
    detail.textContent = form.getAttribute("data-confirm-detail") || "";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.textContent = form.getAttribute("data-confirm-yes");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "secondary";
    no.textContent = form.getAttribute("data-confirm-no");
    var bar = document.createElement("p");
    bar.className = "toolbar";
    bar.append(yes, no);
    dialog.append(text, detail, bar);
    document.body.append(dialog);
    no.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); });
    yes.addEventListener("click", function () {
      var confirm = document.createElement("input");
      confirm.type = "hidden";
      confirm.name = "confirm";
      confirm.value = "1";
      form.append(confirm);
      dialog.close();
      form.submit();
    });
    dialog.showModal();
    no.focus();
  });
})();
