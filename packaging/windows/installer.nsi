; powerwatch installer for Windows (NSIS 3.08, Debian's makensis).
; Built by packaging/windows/installer.sh, which passes:
;   APP_VERSION  x.y.z from app/FyneApp.toml     APP_BUILD  its Build number
;   DISPLAY_VERSION the stamped version           PORT       the listener port
;   EXE          the built powerwatch.exe         OUTFILE    the setup.exe to write
;   ICON         packaging/icons/powerwatch.ico   SIGN_CMD   (optional) signs %1
;
; What it does, and why:
; - per-user (no admin, %LocalAppData%\Programs) or per-machine (Program Files)
;   install, chosen on a page or with /CurrentUser or /AllUsers (MultiUser);
; - Start-menu and desktop shortcuts; optional autostart at login (Run key);
; - an inbound firewall rule for the HJ 212 listener port, so terminals reach
;   the app without the officer answering a Windows prompt; needs admin, and is
;   removed by the uninstaller;
; - upgrade in place: the same folder and mode as the previous install, the
;   running app closed first. The database and settings live in
;   %AppData%\powerwatch (app/cli.go dataDir), never in the install folder, so
;   an upgrade cannot touch them;
; - the uninstaller keeps that data unless "delete my data" is ticked (or
;   /DELETEDATA is given to a silent uninstall).

Unicode true
; The default 32-bit x86 stub does nothing on a 64-bit-only Windows layer.
Target amd64-unicode
SetCompressor /SOLID lzma
ManifestDPIAware true

!ifndef APP_VERSION | APP_BUILD | DISPLAY_VERSION | PORT | EXE | OUTFILE | ICON
  !error "installer.nsi: build it with packaging/windows/installer.sh"
!endif

!define APP_NAME "powerwatch"
!define APP_TITLE "powerwatch 排污单位用电监控"
!define PUBLISHER "powerwatch"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"
!define SETTINGS_KEY "Software\${APP_NAME}"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define FW_RULE "powerwatch HJ 212 (TCP ${PORT})"
; Arguments for the autostart entry: --tray starts the service hidden in the
; system tray at login, the window opening from the tray menu.
!ifndef AUTOSTART_ARGS
  !define AUTOSTART_ARGS "--tray"
!endif

Name "${APP_TITLE}"
OutFile "${OUTFILE}"
BrandingText "${APP_NAME} ${DISPLAY_VERSION}"

; MultiUser: "Highest" asks an administrator for elevation (per-machine install
; and the firewall rule) and lets a standard user install for themselves.
!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${APP_NAME}"
; The previous install's mode and folder, so an upgrade lands on top of it.
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${SETTINGS_KEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${SETTINGS_KEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallDir"
!include MultiUser.nsh
!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include Sections.nsh
!include x64.nsh

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_NAME}.exe"
!define MUI_FINISHPAGE_RUN_TEXT "启动 powerwatch / Start powerwatch"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${APP_VERSION}.${APP_BUILD}"
VIFileVersion "${APP_VERSION}.${APP_BUILD}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP_TITLE} 安装程序 / setup"
VIAddVersionKey /LANG=0 "FileVersion" "${APP_VERSION}.${APP_BUILD}"
VIAddVersionKey /LANG=0 "ProductVersion" "${DISPLAY_VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

; The uninstaller is written during the build; sign it too when signing.
!ifdef SIGN_CMD
  !uninstfinalize '${SIGN_CMD} "%1"' = 0
!endif

; closeRunning stops a running powerwatch before its exe is replaced. A running
; exe cannot be opened for writing on Windows. The database is SQLite in WAL
; mode, so stopping the process loses nothing already committed.
Function closeRunning
  IfFileExists "$INSTDIR\${APP_NAME}.exe" 0 done
  ClearErrors
  FileOpen $0 "$INSTDIR\${APP_NAME}.exe" a
  ${IfNot} ${Errors}
    FileClose $0
    Goto done
  ${EndIf}
  MessageBox MB_OKCANCEL|MB_ICONEXCLAMATION "powerwatch 正在运行，安装前将关闭它（数据不会丢失）。$\r$\npowerwatch is running and will be closed (no data is lost)." /SD IDOK IDOK kill
  Abort
kill:
  nsExec::ExecToLog '"$SYSDIR\taskkill.exe" /F /IM ${APP_NAME}.exe'
  Pop $0
  Sleep 1500
done:
FunctionEnd

Section "powerwatch" SEC_APP
  SectionIn RO
  SetRegView 64
  Call closeRunning
  SetOutPath "$INSTDIR"
  File "/oname=${APP_NAME}.exe" "${EXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\${APP_NAME}.exe" "" "$INSTDIR\${APP_NAME}.exe" 0 SW_SHOWNORMAL "" "${APP_TITLE}"

  WriteRegStr SHCTX "${SETTINGS_KEY}" "InstallMode" $MultiUser.InstallMode
  WriteRegStr SHCTX "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${SETTINGS_KEY}" "Version" "${DISPLAY_VERSION}"

  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APP_TITLE}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${DISPLAY_VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${APP_NAME}.exe,0"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode /S'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "桌面快捷方式 Desktop shortcut" SEC_DESKTOP
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\${APP_NAME}.exe" "" "$INSTDIR\${APP_NAME}.exe" 0 SW_SHOWNORMAL "" "${APP_TITLE}"
SectionEnd

; Terminals connect to the listener from the network; without the rule Windows
; blocks them (or asks an officer who may say no). netsh needs administrator
; rights: a standard user's per-user install skips it and says so.
Section "防火墙端口 ${PORT} Firewall port ${PORT}" SEC_FIREWALL
  ${If} $MultiUser.Privileges == "Admin"
    nsExec::ExecToLog '"$SYSDIR\netsh.exe" advfirewall firewall delete rule name="${FW_RULE}"'
    Pop $0
    nsExec::ExecToLog '"$SYSDIR\netsh.exe" advfirewall firewall add rule name="${FW_RULE}" dir=in action=allow protocol=TCP localport=${PORT} program="$INSTDIR\${APP_NAME}.exe" enable=yes profile=any'
    Pop $0
    ${If} $0 != 0
      DetailPrint "防火墙规则未能添加 / firewall rule not added (netsh: $0)"
    ${Else}
      WriteRegStr SHCTX "${SETTINGS_KEY}" "FirewallRule" "${FW_RULE}"
    ${EndIf}
  ${Else}
    DetailPrint "需要管理员权限才能开放端口 ${PORT} / opening port ${PORT} needs an administrator"
  ${EndIf}
SectionEnd

Section /o "登录时自动启动 Start at login" SEC_AUTOSTART
  ; Set in .onInit from the previous install; written or removed below.
SectionEnd

; Runs last: writes the autostart entry when chosen and removes it when an
; upgrade unticks it.
Section "-autostart"
  ${If} ${SectionIsSelected} ${SEC_AUTOSTART}
    WriteRegStr SHCTX "${RUN_KEY}" "${APP_NAME}" '"$INSTDIR\${APP_NAME}.exe" ${AUTOSTART_ARGS}'
  ${Else}
    DeleteRegValue SHCTX "${RUN_KEY}" "${APP_NAME}"
  ${EndIf}
  ${IfNot} ${SectionIsSelected} ${SEC_DESKTOP}
    Delete "$DESKTOP\${APP_NAME}.lnk"
  ${EndIf}
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_APP} "程序本身。数据库和设置保存在 %AppData%\powerwatch，升级不会改动。/ The app. Database and settings stay in %AppData%\powerwatch."
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_DESKTOP} "在桌面放一个快捷方式 / A shortcut on the desktop."
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_FIREWALL} "允许数采仪连接 TCP ${PORT} 端口（需要管理员）/ Let terminals reach TCP port ${PORT} (needs an administrator)."
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_AUTOSTART} "登录 Windows 后自动运行，持续接收数据 / Start at login so data keeps arriving."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; ---- Uninstaller ----

Section "un.powerwatch" SEC_UNAPP
  SectionIn RO
  SetRegView 64
  nsExec::ExecToLog '"$SYSDIR\taskkill.exe" /F /IM ${APP_NAME}.exe'
  Pop $0
  ReadRegStr $0 SHCTX "${SETTINGS_KEY}" "FirewallRule"
  ${If} $0 != ""
    nsExec::ExecToLog '"$SYSDIR\netsh.exe" advfirewall firewall delete rule name="$0"'
    Pop $1
  ${EndIf}
  DeleteRegValue SHCTX "${RUN_KEY}" "${APP_NAME}"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  Delete "$INSTDIR\${APP_NAME}.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey SHCTX "${UNINST_KEY}"
  DeleteRegKey SHCTX "${SETTINGS_KEY}"
SectionEnd

; Unticked by default: officers' readings are evidence and outlive the app.
; Deletes the data of the user running the uninstaller (%AppData% is per user,
; also after a per-machine install).
Section /o "un.删除我的数据（数据库、设置、备份）Also delete my data" SEC_UNDATA
  SetShellVarContext current
  RMDir /r "$APPDATA\${APP_NAME}"
  RMDir /r "$APPDATA\fyne\io.powerwatch.district"
  ${If} $MultiUser.InstallMode == "AllUsers"
    SetShellVarContext all
  ${EndIf}
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_UNAPP} "删除程序、快捷方式、自动启动和防火墙规则 / Remove the app, shortcuts, autostart and firewall rule."
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_UNDATA} "同时删除 %AppData%\powerwatch 中的数据库、设置和备份，无法恢复 / Also delete the database, settings and backups in %AppData%\powerwatch. Cannot be undone."
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END

; The init functions come last: they refer to the sections by their IDs.

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "powerwatch 需要 64 位 Windows / needs 64-bit Windows" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MULTIUSER_INIT
  ; Keep the autostart choice of the previous install.
  ReadRegStr $0 SHCTX "${RUN_KEY}" "${APP_NAME}"
  ${If} $0 != ""
    !insertmacro SelectSection ${SEC_AUTOSTART}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
  ; A silent uninstall keeps the data unless /DELETEDATA is given.
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/DELETEDATA" $1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SEC_UNDATA}
  ${EndIf}
FunctionEnd
